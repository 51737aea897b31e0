"""Password rules worded in Vietnamese where Django's Vietnamese catalogue has no words (the minimum length); the
English catalogue words them for users who chose English."""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(gettext("Mật khẩu quá ngắn: cần ít nhất %(min_length)d ký tự."),
                                  code="password_too_short", params={"min_length": self.min_length})

    def get_help_text(self):
        return gettext("Mật khẩu của bạn phải chứa ít nhất %(min_length)d ký tự.") % {"min_length": self.min_length}
