"""Sign-in form."""
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    """Email and password; `next` carries the page to return to."""

    email = EmailField("Email", validators=[DataRequired(message="Enter your email."),
                                            Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(message="Enter your password.")])
    next = HiddenField()
