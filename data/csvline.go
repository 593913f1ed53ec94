package data

import (
	"encoding/csv"
	"strconv"
	"strings"
)

// CSVHeader returns the CSV header line of the names (the lists one after
// the other), each quoted where CSV needs it, with a final newline.
func CSVHeader(names ...[]string) []byte {
	var all []string
	for _, ns := range names {
		all = append(all, ns...)
	}
	var b strings.Builder
	cw := csv.NewWriter(&b)
	cw.Write(all)
	cw.Flush()
	return []byte(b.String())
}

// AppendFloats appends the values of vs to buf as CSV fields in shortest
// round-trip form, each preceded by a comma unless it is the first field
// of the line (first is true).
func AppendFloats(buf []byte, first bool, vs ...float64) []byte {
	for i, v := range vs {
		if i > 0 || !first {
			buf = append(buf, ',')
		}
		buf = strconv.AppendFloat(buf, v, 'g', -1, 64)
	}
	return buf
}
