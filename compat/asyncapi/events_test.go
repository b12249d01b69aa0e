package asyncapi

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestReadEvents26(t *testing.T) {
	doc := `asyncapi: 2.6.0
info: {title: t, version: 1.0.0}
channels:
  orders/{id}:
    parameters:
      id: {schema: {type: string}}
    subscribe:
      operationId: sendOrders
      message:
        oneOf:
          - $ref: '#/components/messages/OrderPlaced'
          - $ref: '#/components/messages/Raw'
  commands:
    publish:
      operationId: readCommands
      message:
        name: CancelRequested
        payload: {$ref: 'schemas/cancel.json'}
components:
  messages:
    OrderPlaced:
      payload:
        type: object
        properties:
          total: {$ref: '#/components/schemas/Money'}
          lines: {type: array, items: {$ref: '#/components/schemas/Line'}}
      examples:
        - payload: {total: {amount: "1"}, lines: []}
    Raw:
      schemaFormat: 'application/vnd.apache.avro;version=1.9.0'
      payload: {type: record, name: Raw, fields: []}
  schemas:
    Money:
      type: object
      properties: {amount: {type: string}}
    Line:
      type: object
      properties: {price: {$ref: '#/components/schemas/Money'}}
`
	ev, err := ReadEvents(src(map[string]string{"asyncapi.yaml": doc, "schemas/cancel.json": `{"type": "object"}`}))
	if err != nil {
		t.Fatal(err)
	}
	if len(ev.Messages) != 2 || ev.Skipped["Raw"] == "" {
		t.Fatalf("messages %+v, skipped %v", ev.Messages, ev.Skipped)
	}
	cancel, placed := ev.Messages[0], ev.Messages[1]
	if cancel.Name != "CancelRequested" || cancel.Schema != "schemas/cancel.json" || !reflect.DeepEqual(cancel.Receives, []string{"readCommands"}) || cancel.Sends != nil {
		t.Errorf("CancelRequested: %+v", cancel)
	}
	if placed.Name != "OrderPlaced" || !reflect.DeepEqual(placed.Sends, []string{"sendOrders"}) || !reflect.DeepEqual(placed.Channels, []string{"orders/{id}"}) {
		t.Errorf("OrderPlaced: %+v", placed)
	}
	var schema map[string]any
	if err := json.Unmarshal(ev.Files[placed.Schema], &schema); err != nil {
		t.Fatalf("%s: %v", placed.Schema, err)
	}
	defs, _ := schema["definitions"].(map[string]any)
	if len(defs) != 2 || defs["Money"] == nil || defs["Line"] == nil {
		t.Errorf("definitions: %v", defs)
	}
	line := defs["Line"].(map[string]any)["properties"].(map[string]any)["price"].(map[string]any)["$ref"]
	if line != "#/definitions/Money" {
		t.Errorf("Line.price $ref = %v", line)
	}
	if len(placed.Examples) != 1 || string(ev.Files[placed.Examples[0]]) == "" {
		t.Errorf("examples: %v", placed.Examples)
	}
}
