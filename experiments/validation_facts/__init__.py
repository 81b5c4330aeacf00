"""Fact modules of experiments/validate.py: one module per group of stylised facts.

See ``validate.fact_modules`` for what a module defines.
"""
