"""Admin shell: dashboard (views), sidebar registry, error pages, the users screen, the list engine.

Imports nothing itself, so `igny8.admin.lists` loads without the HTML blueprints (the API uses it).
"""
