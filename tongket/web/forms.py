"""Web forms: labels in Vietnamese (translatable), validation only of shape; rules live in
services."""

from django import forms
from django.utils.translation import gettext_lazy as _


class PasswordChangeForm(forms.Form):
    old = forms.CharField(label=_("Mật khẩu hiện tại"), widget=forms.PasswordInput)
    new1 = forms.CharField(label=_("Mật khẩu mới"), widget=forms.PasswordInput)
    new2 = forms.CharField(label=_("Nhập lại mật khẩu mới"), widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("new1") and data.get("new1") != data.get("new2"):
            raise forms.ValidationError(_("Hai lần nhập mật khẩu mới không giống nhau."))
        return data


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Tên khóa"), max_length=100)
    expires_on = forms.DateField(
        label=_("Hết hạn ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class AuditFilterForm(forms.Form):
    user = forms.CharField(label=_("Người dùng"), required=False)
    action = forms.CharField(label=_("Thao tác"), required=False)
    object_type = forms.CharField(label=_("Loại đối tượng"), required=False)
