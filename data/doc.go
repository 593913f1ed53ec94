// Package data reads, writes, standardizes and generates the datasets that a
// mixture density network (Bishop 1994) is fitted to.
//
// A dataset is N rows of covariates x (XDim columns) and responses y (YDim
// columns), both stored row-major in flat []float64 slices:
//
//	X: (N, XDim)    X[i*XDim+j] is covariate j of row i
//	Y: (N, YDim)    Y[i*YDim+k] is response k of row i
//
// The network models the conditional density p(y|x) as a Gaussian mixture
//
//	log p(y|x) = logsumexp_k( log π_k(x) + log N(y; μ_k(x), Σ_k(x)) )
//
// # CSV files
//
// [Reader] is the one CSV reader of the module: it reads the header row,
// picks columns by name, and streams a file row by row without holding it,
// owning line numbers, quoting, the line limit and the place of every error.
// [Reader.Next] parses the selected fields as numbers, [Reader.ReadAll]
// reads the rest of a file into a [Dataset] that way, and
// [Reader.NextFields] gives them as text. Package encode reads every data
// file through it (encode.Read, encode.ReadTrain, encode.NewReader), turning
// labels and missing cells into network inputs. To [Reader.Next] every value
// must be a finite number: an empty field, a word, NaN or ±Inf is an error
// that names the file, the 1-based physical line (the header is line 1) and
// the column, as an [*Error]:
//
//	data: read train.csv: line 17, column "y": not a number "abc"
//
// CRLF line endings, a UTF-8 byte order mark, quoted fields, spaces around
// numbers and trailing blank lines are accepted. A blank line between data
// rows is an error rather than being skipped, so that no row is lost
// silently. A requested column whose name occurs twice in the header is an
// error (other names may repeat), and so is a line longer than
// [MaxLineBytes] (8 MiB), found before the line is held in memory.
// [WriteCSV] writes values with the shortest representation that
// reads back to the same float64.
//
// # Standardization
//
// A [Scaler] holds the per-column z-score transform fitted on training rows
// ([FitScaler]); [Scaler.LogJacobian] converts a negative log-likelihood
// computed on standardized responses back to original units.
//
// # Synthetic data
//
// [Generate] draws the built-in synthetic datasets listed by [Names] from a
// caller-supplied seeded *rand.Rand ([WriteGenerated] streams them as CSV in
// blocks, for any number of rows); [TrueLogDensity] gives the true
// conditional log density where it has a closed form.
//
// References:
//
//	C. M. Bishop, "Mixture Density Networks", Neural Computing Research
//	Group Report NCRG/94/004, Aston University, 1994.
package data
