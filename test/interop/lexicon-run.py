#!/usr/bin/python3
# Runs the real lexicon CLI (Debian package `lexicon`) against a local dmapid. The joker provider
# hard-codes https://dmapi.joker.com/request; this wrapper only points that constant at
# DMAPI_URL + '/request' (DMAPI_URL like http://127.0.0.1:PORT) and hands sys.argv to lexicon's
# own entry point, so every request and every parse is lexicon's code.
#
# One more thing keeps the run on 127.0.0.1: lexicon splits the domain with tldextract, which
# would fetch the public suffix list from the internet first; it is told to use the copy that
# ships with tldextract instead (the same data, no network).
import functools
import os
import sys

import tldextract

import lexicon.cli
import lexicon.providers.joker

base = os.environ.get('DMAPI_URL')
if not base:
    sys.exit('lexicon-run.py: set DMAPI_URL to the DMAPI base URL, e.g. http://127.0.0.1:8080')

lexicon.providers.joker.API_BASE_URL = base.rstrip('/') + '/request'
tldextract.TLDExtract = functools.partial(tldextract.TLDExtract, suffix_list_urls=())

sys.argv[0] = 'lexicon'
sys.exit(lexicon.cli.main())
