"""Sign-in and user management forms."""
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SelectField
from wtforms.validators import DataRequired, EqualTo, Length

from igny8.auth.roles import ROLE_LABELS, SUPPORT

MIN_PASSWORD_LENGTH = 10


class LoginForm(FlaskForm):
    """Email and password; `next` carries the page to return to."""

    email = EmailField("Email", validators=[DataRequired(message="Enter your email."),
                                            Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(message="Enter your password.")])
    next = HiddenField()


class NewUserForm(FlaskForm):
    """Email, role and a password typed twice."""

    email = EmailField("Email", validators=[DataRequired(message="Enter the email."),
                                            Length(max=254)])
    role = SelectField("Role", choices=dict(ROLE_LABELS), default=SUPPORT,
                       description="Support reads every screen; admins may change everything.")
    password = PasswordField(
        "Password", validators=[DataRequired(message="Enter a password."),
                                Length(min=MIN_PASSWORD_LENGTH,
                                       message=f"At least {MIN_PASSWORD_LENGTH} characters.")])
    confirm = PasswordField(
        "Repeat password",
        validators=[EqualTo("password", message="The two passwords do not match.")])


class ButtonForm(FlaskForm):
    """The CSRF token of a single-button form (activate/deactivate)."""
