"""Built-in rule packs and form-type schemas (data only).

Each pack lives in a folder named by its id: ``<pack id>/pack.yaml``; the folder of the pack whose
id is a form type also holds that form type's JSON Schema as ``schema.json``.
"""
