import os

# Playwright's sync API runs an event loop in the test thread; Django refuses database work
# inside a running loop unless told it is safe. It is: the loop is Playwright's, not ours.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
