"""`flask` commands: catalogue seeding and listing."""
import click
from flask.cli import AppGroup

catalogue_cli = AppGroup("catalogue", help="Manage the AI model catalogue.")
