"""Sign-in, password and user management forms (they parse input; igny8.services.users decides)."""
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SelectField
from wtforms.validators import AnyOf, DataRequired, EqualTo, Length, Optional

from igny8.auth.roles import ROLE_LABELS, SUPPORT
from igny8.services.passwords import MIN_PASSWORD_LENGTH

POLICY = (f"At least {MIN_PASSWORD_LENGTH} characters and hard to guess: a few unrelated words"
          " work well.")


def new_password_field(label: str = "Password") -> PasswordField:
    """A new password: required, long enough (the strength check runs in the service)."""
    return PasswordField(
        label, description=POLICY,
        validators=[DataRequired(message="Enter a password."),
                    Length(min=MIN_PASSWORD_LENGTH,
                           message=f"At least {MIN_PASSWORD_LENGTH} characters.")])


def repeat_field() -> PasswordField:
    """The new password typed a second time."""
    return PasswordField(
        "Repeat password",
        validators=[EqualTo("password", message="The two passwords do not match.")])


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
                       description="Support reads most screens; admins may change everything.")
    password = new_password_field()
    confirm = repeat_field()


class ChangePasswordForm(FlaskForm):
    """The signed-in user's current password and the new one typed twice."""

    current = PasswordField("Current password",
                            validators=[DataRequired(message="Enter your current password.")])
    password = new_password_field("New password")
    confirm = repeat_field()


class ResetPasswordForm(FlaskForm):
    """A new password an admin sets for another user, typed twice."""

    password = new_password_field("New password")
    confirm = repeat_field()


class RoleForm(FlaskForm):
    """The role an admin gives another user."""

    role = SelectField("Role", choices=dict(ROLE_LABELS),
                       description="Support reads most screens; admins may change everything.")


class ToggleForm(FlaskForm):
    """Activate/deactivate: the button sends the state it asks for ("1" or "0")."""

    active = HiddenField(validators=[Optional(), AnyOf(["0", "1"], message="Send 0 or 1.")])


class ButtonForm(FlaskForm):
    """The CSRF token of a single-button form."""
