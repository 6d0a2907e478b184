"""Build-time code that runs inside Pyodide, under Node, while the site is built.

``run.mjs`` loads the pinned runtime and the checker's wheel the way the page's worker does and
runs ``exercise.py`` (every path the page can take through the checker) and, to make the tailored
standard library, ``tailor.py``. None of this is shipped to visitors; the site's build
(``policy_site/shipping/stdlib.py``) is its only user.
"""
