"""The classroom page's parts (sim/app.py): its model, pictures, texts, offline assets."""
