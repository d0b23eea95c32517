"""The shared base every app builds on: domain errors, API plumbing, admin helpers.

Nothing here imports an app or the project's top (settings, urls, demo); the layering
is a contract checked by import-linter (see `.importlinter`)."""
