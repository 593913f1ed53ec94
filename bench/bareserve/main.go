// Command bareserve is the baseline of bench/serve_ratio.sh: a bare
// net/http + encoding/json server that answers POST /v1/predict as mdn
// serve does for one row with "what": "mean", without a model. It decodes
// the request ({"what": …, "rows": [{name: value, …}]}) with
// encoding/json, echoes each row's covariates and answers a fixed mean per
// response name, so that the answer has the size of mdn serve's (the
// response values are given as flags, as the model printed them).
//
//	bareserve --addr 127.0.0.1:0 --y y1=0.6284046821806006,y2=-0.8835887168686023
//
// It prints "listening on http://ADDR" on standard error, like mdn serve.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
)

type request struct {
	What string               `json:"what"`
	Rows []map[string]float64 `json:"rows"`
}

type result struct {
	Row  int                `json:"row"`
	X    map[string]float64 `json:"x"`
	Mean map[string]float64 `json:"mean"`
}

type response struct {
	Results []result `json:"results"`
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	ys := flag.String("y", "y=0", "the mean answered for every row, name=value,… (map keys in sorted order)")
	flag.Parse()
	mean := map[string]float64{}
	for _, kv := range strings.Split(*ys, ",") {
		k, v, ok := strings.Cut(kv, "=")
		f, err := strconv.ParseFloat(v, 64)
		if !ok || err != nil {
			log.Fatalf("bareserve: --y: want name=value, got %q", kv)
		}
		mean[k] = f
	}
	http.HandleFunc("/v1/predict", func(w http.ResponseWriter, r *http.Request) {
		var req request
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		res := response{Results: make([]result, len(req.Rows))}
		for i, row := range req.Rows {
			res.Results[i] = result{Row: i, X: row, Mean: mean}
		}
		w.Header().Set("Content-Type", "application/json")
		if err := json.NewEncoder(w).Encode(res); err != nil {
			log.Print(err)
		}
	})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "listening on http://%s\n", ln.Addr())
	log.Fatal(http.Serve(ln, nil))
}
