"""Validates /openapi.json as an OpenAPI 3.1 document with openapi-spec-validator.

Usage: python openapi_validate.py BASE_URL [unused]
"""
import json
import sys
import urllib.request

from openapi_spec_validator import validate

with urllib.request.urlopen(sys.argv[1] + "/openapi.json", timeout=30) as response:
    document = json.load(response)
try:
    validate(document)
    print(f"ok   /openapi.json is a valid OpenAPI {document['openapi']} document with {len(document['paths'])} paths")
    print("openapi: 1 passed, 0 failed")
except Exception as error:  # the validator raises its own exception types
    print(f"FAIL /openapi.json does not validate: {error}")
    print("openapi: 0 passed, 1 failed")
    sys.exit(1)
