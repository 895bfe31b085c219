"""The benchmark harness: measure `backport` and the usual tools on real stable backports.

Run it as ``python -m bench {fetch,cases,run,report,smoke}``; see bench/README.md.
"""
