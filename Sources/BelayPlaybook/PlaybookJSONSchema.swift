/// The playbook format as a JSON Schema (draft-07), for editors: completion and early marks on
/// unknown keys, wrong types and missing fields. `PlaybookLoader` stays the judge (ids, `needs`,
/// placeholders, the compensation rules); a test checks the two agree on the shape.
public enum PlaybookJSONSchema {
    public static let text = #"""
        {
          "$schema": "http://json-schema.org/draft-07/schema#",
          "$id": "https://belay.dev/schema/playbook.json",
          "title": "Belay playbook",
          "description": "Phases of steps, each step a forward action paired with its compensation (docs/playbooks.md).",
          "type": "object",
          "additionalProperties": false,
          "required": ["name", "phases"],
          "properties": {
            "name": { "$ref": "#/definitions/text", "description": "The playbook's name, as runs record it." },
            "description": { "type": "string" },
            "workspace": { "$ref": "#/definitions/text", "description": "The workspace folder, relative to the playbook's folder." },
            "store": { "$ref": "#/definitions/text", "description": "A shared store for runs, points and locks (postgres://…); absent: the workspace's .belay folder." },
            "lock": { "$ref": "#/definitions/text", "description": "The name of the lock a run holds (default: the playbook's name and workspace)." },
            "notify": {
              "description": "Webhooks told when the run starts, waits, fails or ends: an http(s) URL, $NAME for a URL in an environment variable, or a list of them.",
              "oneOf": [{ "$ref": "#/definitions/text" }, { "type": "array", "items": { "$ref": "#/definitions/text" } }]
            },
            "capture": {
              "type": ["object", "null"],
              "description": "Commands whose output describes state outside the workspace, kept with every rollback point (docs/captures.md).",
              "propertyNames": { "$ref": "#/definitions/id" },
              "additionalProperties": {
                "anyOf": [
                  { "$ref": "#/definitions/text" },
                  {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["run"],
                    "properties": {
                      "run": { "$ref": "#/definitions/text", "description": "The command; its standard output is kept." },
                      "required": { "type": "boolean", "description": "A failure stops the run instead of being recorded." },
                      "verify": { "enum": ["warn", "strict"], "description": "strict: a difference after a rollback is a failure." },
                      "timeout": { "$ref": "#/definitions/duration" }
                    }
                  }
                ]
              }
            },
            "vars": { "$ref": "#/definitions/vars" },
            "secrets": { "$ref": "#/definitions/secrets" },
            "env": { "$ref": "#/definitions/env" },
            "defaults": {
              "type": "object",
              "additionalProperties": false,
              "properties": {
                "timeout": { "$ref": "#/definitions/duration" },
                "retry": { "$ref": "#/definitions/retry" },
                "shell": { "$ref": "#/definitions/text" }
              }
            },
            "environments": {
              "type": "object",
              "description": "Named sets of values (staging, production); a run chooses one with --env.",
              "propertyNames": { "$ref": "#/definitions/id" },
              "additionalProperties": {
                "type": ["object", "null"],
                "additionalProperties": false,
                "properties": {
                  "description": { "type": "string" },
                  "vars": { "$ref": "#/definitions/vars" },
                  "env": { "$ref": "#/definitions/env" },
                  "secrets": { "$ref": "#/definitions/secrets" },
                  "lock": { "$ref": "#/definitions/id", "description": "The name of the lock a run in this environment takes." }
                }
              }
            },
            "phases": { "type": "array", "minItems": 1, "items": { "$ref": "#/definitions/phase" } }
          },
          "definitions": {
            "text": { "type": ["string", "number", "boolean"], "pattern": "\\S" },
            "scalar": { "type": ["string", "number", "boolean"] },
            "id": { "type": "string", "pattern": "^[a-z0-9][a-z0-9_-]*$" },
            "duration": {
              "type": "string",
              "pattern": "^\\s*([0-9.]+(ms|s|m|h|d))+\\s*$",
              "description": "500ms, 30s, 5m, 2h, 1d, or combined: 1m30s."
            },
            "vars": {
              "type": ["object", "null"],
              "propertyNames": { "pattern": "^[A-Za-z_][A-Za-z0-9_-]*$" },
              "additionalProperties": {
                "anyOf": [
                  { "$ref": "#/definitions/scalar" },
                  { "type": "null", "description": "No default: each run sets it (an environment, a vars file or --var)." },
                  {
                    "type": "object",
                    "additionalProperties": false,
                    "properties": {
                      "value": { "type": ["string", "number", "boolean", "null"] },
                      "show": { "type": "boolean", "description": "List this var's value in `belay runs`." }
                    }
                  }
                ]
              }
            },
            "secrets": {
              "anyOf": [
                { "$ref": "#/definitions/envName" },
                { "type": "array", "items": { "$ref": "#/definitions/envName" } }
              ]
            },
            "envName": { "type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$" },
            "env": {
              "type": ["object", "null"],
              "propertyNames": { "$ref": "#/definitions/envName" },
              "additionalProperties": { "$ref": "#/definitions/scalar" }
            },
            "retry": {
              "type": "object",
              "additionalProperties": false,
              "properties": {
                "attempts": { "type": "integer", "minimum": 1 },
                "delay": { "$ref": "#/definitions/duration" },
                "backoff": { "type": "number", "minimum": 1 },
                "max_delay": { "$ref": "#/definitions/duration" }
              }
            },
            "phase": {
              "type": "object",
              "additionalProperties": false,
              "required": ["id", "steps"],
              "properties": {
                "id": { "$ref": "#/definitions/id" },
                "name": { "$ref": "#/definitions/scalar" },
                "needs": { "anyOf": [{ "$ref": "#/definitions/id" }, { "type": "array", "items": { "$ref": "#/definitions/id" } }] },
                "parallel": { "type": "boolean" },
                "max_parallel": { "type": "integer", "minimum": 1 },
                "steps": { "type": "array", "minItems": 1, "items": { "$ref": "#/definitions/step" } }
              }
            },
            "step": {
              "type": "object",
              "additionalProperties": false,
              "required": ["id"],
              "oneOf": [
                { "required": ["run"] },
                { "required": ["gate"] },
                { "required": ["approval"] }
              ],
              "properties": {
                "id": { "$ref": "#/definitions/id" },
                "name": { "$ref": "#/definitions/scalar" },
                "run": { "$ref": "#/definitions/text", "description": "The forward shell command." },
                "gate": {
                  "type": "object",
                  "additionalProperties": false,
                  "required": ["policy"],
                  "properties": {
                    "policy": { "$ref": "#/definitions/text" },
                    "on_conditional": { "enum": ["proceed", "approve", "block"] }
                  }
                },
                "approval": {
                  "type": "object",
                  "additionalProperties": false,
                  "required": ["message"],
                  "properties": {
                    "message": { "$ref": "#/definitions/text" },
                    "timeout": { "$ref": "#/definitions/duration" },
                    "on_timeout": { "enum": ["reject", "approve"] }
                  }
                },
                "compensate": { "$ref": "#/definitions/text", "description": "The shell command that undoes run; must be idempotent." },
                "verify": { "$ref": "#/definitions/text" },
                "timeout": { "$ref": "#/definitions/duration" },
                "retry": { "$ref": "#/definitions/retry" },
                "critical": { "type": "boolean" },
                "idempotent": { "type": "boolean" },
                "irreversible": { "type": "boolean" },
                "checkpoint": { "enum": ["before"], "description": "Record a rollback point <phase>/<step> just before the step runs." }
              }
            }
          }
        }

        """#
}
