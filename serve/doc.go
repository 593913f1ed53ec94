// Package serve answers a model file's predictions over HTTP with a JSON
// API, so that a service in any language can ask for p(y|x) without
// shelling out to mdn predict.
//
//	POST /v1/predict  {"what": "mean", "rows": [{"x": 1.5}], "q": [0.1, 0.9], "level": 0.8}
//	                  → {"results": [ … ]}, per row the object mdn predict --json prints
//	POST /v1/sample   {"rows": […], "n_samples": 10, "seed": 1, "temperature": 1}
//	POST /v1/logpdf   {"rows": [{"x": 1.5, "y": 0.2}]} → log p(y|x) per row
//	GET  /v1/model    columns, spec and training summary of the model file
//	GET  /healthz     {"status": "ok"}
//	GET  /metrics     Prometheus metrics (requests, errors, latency, rows)
//
// The schemas, limits and signals are in docs/serve.md.
//
// A [Server] holds the current model behind an atomic pointer; each request
// takes a worker (a model.Predictor with its scratch, the request decoder
// and the response buffer) from that model's sync.Pool and returns it, so
// requests run in parallel without a lock. Requests are decoded and
// responses encoded by hand-written JSON code (no reflection on the hot
// path) that writes numbers exactly as encoding/json does, so a result row
// is byte for byte the line mdn predict --json prints. [Server.Reload]
// swaps in a new model; [Run] listens, reloads on each receive from
// Options.Reload and drains gracefully when its context is done.
//
// Every request a user can get wrong is a 4xx with {"error": "…"} naming
// the field and, for a row, its index and column: 400 for a bad value, 405
// for a wrong method, 413 past a limit, 415 for a body that is not
// application/json. A panic in a handler is logged and answered with 500;
// the server keeps running.
package serve
