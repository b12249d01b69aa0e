package jsonschema_test

import (
	"context"
	"fmt"
	"testing/fstest"

	"github.com/dsctl/dsctl/compat"
	"github.com/dsctl/dsctl/compat/jsonschema"
)

// ExampleDiffFS compares two versions of an event schema, as contract
// publishing does with the previous package and the new one.
func ExampleDiffFS() {
	oldFS := fstest.MapFS{"events/order-placed.json": {Data: []byte(`{
  "type": "object",
  "properties": {
    "orderId": {"type": "string"},
    "total":   {"type": "number"}
  },
  "required": ["orderId"]
}`)}}
	newFS := fstest.MapFS{"events/order-placed.json": {Data: []byte(`{
  "type": "object",
  "properties": {
    "orderId": {"type": "string", "maxLength": 32},
    "total":   {"type": "number", "description": "gross, in the order's currency"}
  },
  "required": ["orderId", "total"]
}`)}}
	changes, err := jsonschema.DiffFS(context.Background(), oldFS, "events/order-placed.json",
		newFS, "events/order-placed.json", compat.Options{Mode: compat.Backward, Policy: compat.Strict})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range changes {
		fmt.Printf("%-5s %-19s %s %s\n", c.Impact, c.ID, c.Location, c.Path)
	}
	fmt.Println("required bump:", compat.RequiredBump(changes))
	// Output:
	// major max-length-added    events/order-placed.json:4:35 #/properties/orderId/maxLength
	// patch description-changed events/order-placed.json:5:35 #/properties/total/description
	// major required-added      events/order-placed.json:7:27 #/required/1
	// required bump: major
}
