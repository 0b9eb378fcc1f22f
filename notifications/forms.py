from django import forms

from notifications.models import Preference


class DigestForm(forms.ModelForm):
    class Meta:
        model = Preference
        fields = ["daily_digest"]
        widgets = {
            "daily_digest": forms.CheckboxInput(attrs={"aria-describedby": "id_daily_digest-help"})
        }
