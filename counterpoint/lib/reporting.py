"""Error reports that never carry what people wrote.

Django's default filter hides passwords and keys. Here the text a student sends is just as
private (annotations, replies, essays), so when reports are live (DEBUG off, mailed to
ADMINS or shipped with logs) every form value and every traceback variable is hidden; the
traceback's code lines, the path and the headers remain. With DEBUG on, a developer's own
error page shows everything, as usual.
"""

from django.views.debug import SafeExceptionReporterFilter


class PrivateExceptionReporterFilter(SafeExceptionReporterFilter):
    def get_post_parameters(self, request):
        if request is None or not self.is_active(request):
            return super().get_post_parameters(request)
        cleansed = request.POST.copy()
        for name in cleansed:
            cleansed[name] = self.cleansed_substitute
        return cleansed

    def get_traceback_frame_variables(self, request, tb_frame):
        if not self.is_active(request):
            return super().get_traceback_frame_variables(request, tb_frame)
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]
