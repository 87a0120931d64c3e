#!/usr/bin/env python3
# The manual's example (python-example.py) run unchanged, except that every request goes out as a
# POST with a form body: requests.get is swapped for a POST before the example runs.
import os
import requests


def post_instead(url, params=None, **kwargs):
    return requests.post(url, data=params, **kwargs)


requests.get = post_instead
example = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'python-example.py')
with open(example) as f:
    exec(compile(f.read(), example, 'exec'))
