#!/usr/bin/env python3
"""Writes a generated OpenAPI 3.0 document of N resources x 4 operations (create, list, read,
delete) to stdout: the same shape as `large_spec` in tests/it/openapi.rs. BENCHMARKS.md times
loading it (`runner validate` of a collection that names it) and importing it.

    python3 bench/openapi_large_spec.py 1000 > /tmp/large.json   # 4000 operations
"""
import json
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
schemas = {
    "Error": {
        "type": "object",
        "required": ["code", "message"],
        "properties": {"code": {"type": "integer", "format": "int32"}, "message": {"type": "string"}},
    }
}
paths = {}
error = {"description": "error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
for r in range(n):
    name = f"Thing{r}"
    schemas[name] = {
        "type": "object",
        "required": ["id", "name"],
        "properties": {
            "id": {"type": "integer", "format": "int64", "readOnly": True},
            "name": {"type": "string", "minLength": 1},
            "status": {"type": "string", "enum": ["new", "done"], "nullable": True},
            "created": {"type": "string", "format": "date-time"},
            "owner": {"$ref": "#/components/schemas/Error"},
        },
    }
    one = {"$ref": f"#/components/schemas/{name}"}
    paths[f"/things{r}"] = {
        "get": {"operationId": f"list{name}", "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "array", "items": one}}}}, "default": error}},
        "post": {"operationId": f"create{name}", "requestBody": {"content": {"application/json": {"schema": one}}}, "responses": {"201": {"description": "created", "content": {"application/json": {"schema": one}}}, "default": error}},
    }
    paths[f"/things{r}/{{id}}"] = {
        "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
        "get": {"operationId": f"get{name}", "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": one}}}, "404": error}},
        "delete": {"operationId": f"delete{name}", "responses": {"204": {"description": "gone"}, "default": error}},
    }
json.dump(
    {
        "openapi": "3.0.3",
        "info": {"title": "Large generated API", "version": "1"},
        "servers": [{"url": "https://api.example.com/v1"}],
        "paths": paths,
        "components": {"schemas": schemas},
    },
    sys.stdout,
)
