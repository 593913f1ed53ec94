package serve

import (
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// endpoints are the values of the "endpoint" label, one per route plus
// "other" (unknown paths).
var endpoints = []string{"predict", "sample", "logpdf", "model", "healthz", "metrics", "other"}

// metrics are the Prometheus metrics of one Server, in its own registry
// (no global state): the Go runtime and process collectors and
//
//	mdn_serve_requests_total{endpoint, code}         counter
//	mdn_serve_errors_total{endpoint, code}           counter, responses ≥ 400
//	mdn_serve_request_duration_seconds{endpoint}     histogram
//	mdn_serve_rows_total{endpoint}                   counter, rows answered
//	mdn_serve_in_flight_requests                     gauge
//	mdn_serve_model_reloads_total{result}            counter, ok or error
//	mdn_serve_panics_total                           counter
type metrics struct {
	reg       *prometheus.Registry
	requests  *prometheus.CounterVec
	errors    *prometheus.CounterVec
	duration  *prometheus.HistogramVec
	rows      *prometheus.CounterVec
	inFlight  prometheus.Gauge
	reloads   *prometheus.CounterVec
	panics    prometheus.Counter
	byName    map[string]*endpointMetrics
	codeNames sync.Map // int → string, so that the hot path does not format codes
}

// endpointMetrics are the children of one endpoint, resolved once so that
// a request touches only atomics.
type endpointMetrics struct {
	name     string
	ok       prometheus.Counter // requests with code 200
	duration prometheus.Observer
	rows     prometheus.Counter
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mdn_serve_requests_total", Help: "HTTP requests answered, by endpoint and status code.",
		}, []string{"endpoint", "code"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mdn_serve_errors_total", Help: "HTTP requests answered with a status ≥ 400, by endpoint and status code.",
		}, []string{"endpoint", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "mdn_serve_request_duration_seconds",
			Help: "Time from the start of a handler to the end of its response, by endpoint.",
			Buckets: []float64{25e-6, 50e-6, 100e-6, 250e-6, 500e-6, 1e-3, 2.5e-3, 5e-3, 0.01, 0.025, 0.05,
				0.1, 0.25, 0.5, 1, 2.5, 5, 10},
		}, []string{"endpoint"}),
		rows: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mdn_serve_rows_total", Help: "Rows predicted, sampled or scored in successful requests, by endpoint.",
		}, []string{"endpoint"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "mdn_serve_in_flight_requests", Help: "Requests being handled.",
		}),
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mdn_serve_model_reloads_total", Help: "Model reloads (SIGHUP), by result (ok, error).",
		}, []string{"result"}),
		panics: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "mdn_serve_panics_total", Help: "Handler panics answered with 500.",
		}),
		byName: map[string]*endpointMetrics{},
	}
	m.reg.MustRegister(m.requests, m.errors, m.duration, m.rows, m.inFlight, m.reloads, m.panics,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, e := range endpoints {
		m.byName[e] = &endpointMetrics{
			name:     e,
			ok:       m.requests.WithLabelValues(e, "200"),
			duration: m.duration.WithLabelValues(e),
			rows:     m.rows.WithLabelValues(e),
		}
	}
	m.reloads.WithLabelValues("ok")
	m.reloads.WithLabelValues("error")
	return m
}

// done records a finished request of endpoint e.
func (m *metrics) done(e *endpointMetrics, code, rows int, start time.Time) {
	e.duration.Observe(time.Since(start).Seconds())
	if code == 200 {
		e.ok.Inc()
		if rows > 0 {
			e.rows.Add(float64(rows))
		}
		return
	}
	c := m.codeName(code)
	m.requests.WithLabelValues(e.name, c).Inc()
	if code >= 400 {
		m.errors.WithLabelValues(e.name, c).Inc()
	}
}

func (m *metrics) codeName(code int) string {
	if s, ok := m.codeNames.Load(code); ok {
		return s.(string)
	}
	s := strconv.Itoa(code)
	m.codeNames.Store(code, s)
	return s
}
