package serve_test

import (
	"fmt"
	"log"
	"net/http/httptest"
	"strings"

	"github.com/mdn-go/mdn/serve"
)

// A server's handler answers without a network: here the labelled penguins
// model of package model's testdata, one row with a missing bill length.
// "x" echoes the row as given (the label as a string, the missing cell as
// null), "inputs" the network's encoded inputs, on request.
func ExampleServer_Handler() {
	s, err := serve.New(serve.Options{Model: "../model/testdata/v2-penguins.json"})
	if err != nil {
		log.Fatal(err)
	}
	body := `{"what": "mean", "inputs": true, "rows": [{"species": "Adelie", "island": "Dream",
		"sex": "female", "bill_length_mm": null, "flipper_length_mm": 190}]}`
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "/v1/predict", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	s.Handler().ServeHTTP(rec, req)
	fmt.Println(rec.Code)
	fmt.Print(rec.Body.String())
	// The mean is what mdn predict --what mean prints for the CSV row
	// Adelie,Dream,female,NA,190 (3307.300785265499, at commit 9ac0eb9).
	// Output:
	// 200
	// {"results":[{"row":0,"x":{"bill_length_mm":null,"flipper_length_mm":190,"island":"Dream","sex":"female","species":"Adelie"},"inputs":{"bill_length_mm":43.861685214626384,"bill_length_mm:missing":1,"flipper_length_mm":190,"flipper_length_mm:missing":0,"island=Biscoe":0,"island=Dream":1,"island=Torgersen":0,"sex:missing":0,"sex=female":1,"sex=male":0,"species=Adelie":1,"species=Chinstrap":0,"species=Gentoo":0},"mean":{"body_mass_g":3307.300785265499}}]}
}
