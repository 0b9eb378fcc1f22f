// LTI Dynamic Registration: tell the LMS's window that registration is done.
(window.opener || window.parent).postMessage({ subject: "org.imsglobal.lti.close" }, "*");
