"""The demo (`make run`): a believable Ho Chi Minh City directory, accounts for every role, the seed
campaign with documents, figures and initiatives. It sits on top of every app and nothing imports it
but tests and its own command, `python manage.py demo_setup`."""
