package data

import (
	"errors"
	"io/fs"
	"strconv"
	"strings"
)

// Error is an error about a dataset: its file, the place in it, and what is
// wrong. Error() reads like
//
//	data: read train.csv: line 17, column "y": not a number "abc"
//	data: open train.csv: no such file or directory
//
// where each part is left out when it is unknown (File "", Line 0, Column "").
type Error struct {
	// File is the path or name of the file as the caller gave it; "" for a
	// generated dataset.
	File string
	// Line is the 1-based physical line in the file (the header is line 1);
	// 0 if the error is not about one line.
	Line int
	// Row is the 1-based data row, used in the message only when Line is 0
	// (a dataset that was not read from a file).
	Row int
	// Column is the name of the column concerned; "" if none.
	Column string
	// Err is the underlying error.
	Err error
}

// Error implements the error interface.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("data: ")
	if pe, ok := e.Err.(*fs.PathError); ok && e.File != "" && pe.Path == e.File && e.Line <= 0 && e.Row <= 0 && e.Column == "" {
		// "open x.csv: no such file or directory", not "read x.csv: open
		// x.csv: no such file or directory": the file is named once.
		b.WriteString(pe.Op + " " + e.File + ": " + pe.Err.Error())
		return b.String()
	}
	if e.File != "" {
		b.WriteString("read ")
		b.WriteString(e.File)
		b.WriteString(": ")
	}
	where := false
	switch {
	case e.Line > 0:
		b.WriteString("line ")
		b.WriteString(strconv.Itoa(e.Line))
		where = true
	case e.Row > 0:
		b.WriteString("row ")
		b.WriteString(strconv.Itoa(e.Row))
		where = true
	}
	if e.Column != "" {
		if where {
			b.WriteString(", ")
		}
		b.WriteString("column ")
		b.WriteString(strconv.Quote(e.Column))
		where = true
	}
	if where {
		b.WriteString(": ")
	}
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying error, so that errors.Is and errors.As see
// through an *Error (for example errors.Is(err, fs.ErrNotExist)).
func (e *Error) Unwrap() error { return e.Err }

// Sentinel errors wrapped by an *Error; test for them with errors.Is.
var (
	// ErrNoHeader: the file is empty (not even a header row).
	ErrNoHeader = errors.New("no header row")
	// ErrNoData: the file has a header row but no data rows.
	ErrNoData = errors.New("no data rows")
	// ErrNotNumber: a selected field does not parse as a float64.
	ErrNotNumber = errors.New("not a number")
	// ErrNotFinite: a selected field is NaN or ±Inf.
	ErrNotFinite = errors.New("not finite")
)
