"""Sign-up, login and password forms."""

from __future__ import annotations

from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import Email, EqualTo, InputRequired, Length

from circles.forms.base import Form
from circles.forms.fields import StrongPassword, valid_time_zone


class SignUpForm(Form):
    email = EmailField(
        "Email",
        validators=[
            InputRequired("Enter your email."),
            Email("Enter an email like name@example.com."),
            Length(max=254),
        ],
    )
    display_name = StringField(
        "Your name, as your circle will see it",
        validators=[
            InputRequired("Enter a name."),
            Length(max=60, message="Keep it under 60 characters."),
        ],
    )
    password = PasswordField(
        "Password",
        validators=[InputRequired("Choose a password."), StrongPassword("email", "display_name")],
    )
    time_zone = StringField("Time zone", default="UTC", validators=[valid_time_zone])


class LoginForm(Form):
    email = EmailField("Email", validators=[InputRequired("Enter your email."), Length(max=254)])
    password = PasswordField("Password", validators=[InputRequired("Enter your password.")])
    remember = BooleanField("Keep me logged in on this device")


class ForgotPasswordForm(Form):
    email = EmailField(
        "Email",
        validators=[
            InputRequired("Enter your email."),
            Email("Enter an email like name@example.com."),
            Length(max=254),
        ],
    )


class ResetPasswordForm(Form):
    password = PasswordField(
        "New password", validators=[InputRequired("Choose a password."), StrongPassword()]
    )
    confirm = PasswordField(
        "New password again",
        validators=[
            InputRequired("Type it once more."),
            EqualTo("password", "The two don't match."),
        ],
    )


class ChangePasswordForm(Form):
    current = PasswordField(
        "Current password", validators=[InputRequired("Enter your current password.")]
    )
    password = PasswordField(
        "New password", validators=[InputRequired("Choose a password."), StrongPassword()]
    )


class DeleteAccountForm(Form):
    password = PasswordField(
        "Your password, to confirm", validators=[InputRequired("Enter your password.")]
    )
