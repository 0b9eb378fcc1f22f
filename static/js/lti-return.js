// Deep Linking: hand the signed choice back to the LMS without a click.
const form = document.getElementById("lti-deep-link-return");
if (form) form.submit();
