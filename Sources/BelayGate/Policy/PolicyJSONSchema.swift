/// The gate policy format as a JSON Schema (draft-07), for editors. `PolicyLoader` stays the judge
/// (sources that exist, metrics of the source's kind, threshold order, waivers naming real criteria).
public enum PolicyJSONSchema {
    public static let text = #"""
        {
          "$schema": "http://json-schema.org/draft-07/schema#",
          "$id": "https://belay.dev/schema/policy.json",
          "title": "Belay gate policy",
          "description": "Evidence inputs, criteria and the decision rule of a go/no-go gate (docs/gate.md).",
          "type": "object",
          "additionalProperties": false,
          "required": ["gate", "criteria"],
          "properties": {
            "gate": { "type": ["string", "number"], "description": "The gate's name." },
            "description": { "type": ["string", "number"] },
            "read_outside_policy_folder": { "type": "boolean" },
            "inputs": {
              "type": "object",
              "description": "Evidence sources by name, each { kind: file pattern(s) }.",
              "additionalProperties": {
                "type": "object",
                "minProperties": 1,
                "maxProperties": 1,
                "additionalProperties": false,
                "properties": {
                  "junit": { "$ref": "#/definitions/patterns" },
                  "sarif": { "$ref": "#/definitions/patterns" },
                  "cobertura": { "$ref": "#/definitions/patterns" },
                  "lcov": { "$ref": "#/definitions/patterns" },
                  "json": { "$ref": "#/definitions/patterns" }
                }
              }
            },
            "criteria": { "type": "array", "minItems": 1, "items": { "$ref": "#/definitions/criterion" } },
            "decision": {
              "type": "object",
              "additionalProperties": false,
              "properties": {
                "proceed_max_warnings": { "type": "integer", "minimum": 0 },
                "conditional_max_warnings": { "type": "integer", "minimum": 0 }
              }
            },
            "waivers": {
              "type": "array",
              "items": {
                "type": "object",
                "additionalProperties": false,
                "required": ["criterion", "reason", "expires"],
                "properties": {
                  "criterion": { "type": "string" },
                  "reason": { "type": "string" },
                  "expires": { "type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" },
                  "approved_by": { "type": "string" }
                }
              }
            },
            "suppressions": {
              "type": "object",
              "additionalProperties": false,
              "properties": {
                "trust_without_status": { "type": "boolean" },
                "trust_external": { "type": "boolean" }
              }
            }
          },
          "definitions": {
            "patterns": {
              "anyOf": [
                { "type": "string" },
                { "type": "array", "items": { "type": "string" } }
              ]
            },
            "criterion": {
              "type": "object",
              "additionalProperties": false,
              "required": ["id"],
              "properties": {
                "id": { "type": ["string", "number"] },
                "description": { "type": "string" },
                "source": { "type": "string", "description": "One of the inputs." },
                "metric": {
                  "type": "string",
                  "description": "junit: tests, passed, failed, skipped, flaky, pass_rate; sarif: error, warning, note, high_or_above, medium_or_above...; cobertura/lcov: line_rate, branch_rate."
                },
                "path": { "type": "string", "description": "A dotted path into a json source." },
                "rehearsal": { "type": "boolean" },
                "max_age": { "type": "string", "pattern": "^\\s*([0-9.]+(ms|s|m|h|d))+\\s*$" },
                "max": { "type": "number" },
                "min": { "type": "number" },
                "warn_above": { "type": "number" },
                "warn_below": { "type": "number" },
                "key": { "type": "boolean", "description": "A key criterion failing is BLOCK." }
              }
            }
          }
        }

        """#
}
