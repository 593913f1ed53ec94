package data

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
)

// TableNames returns the names of the synthetic labelled tables that
// WriteTable knows: tables with label columns and missing cells, for
// data.categorical and data.missing.
func TableNames() []string { return []string{"penguins"} }

// PenguinsColumns are the columns of the "penguins" table, in file order.
var PenguinsColumns = []string{"species", "island", "sex", "bill_length_mm", "flipper_length_mm", "body_mass_g"}

// Penguin species, their probabilities and the parameters of the
// "penguins" table (made-up numbers in the range of real penguins).
var (
	penguinSpecies = []string{"Adelie", "Chinstrap", "Gentoo"}
	penguinP       = []float64{0.44, 0.20, 0.36}
	penguinFlipper = []float64{190, 196, 217} // mean flipper length, mm
	penguinBill    = []float64{38.8, 48.8, 47.5}
	penguinMass    = []float64{3700, 3730, 5080} // mean body mass, g
	penguinSlope   = []float64{32, 22, 45}       // g per mm of flipper
	penguinSD      = []float64{250, 180, 330}    // g
)

// Parameters of the "penguins" table shared by all species.
const (
	penguinSexFlipper = 4    // mm: males +4, females −4
	penguinSexMass    = 180  // g: males +180, females −180
	penguinLight      = 0.25 // probability of a light (moulting) bird
	penguinLightMass  = 700  // g lighter
)

// WriteTable writes n rows of the synthetic labelled table name, drawn from
// rng, to w as CSV; the same seed gives the same bytes. Missing cells are
// written as NA. The one table, "penguins" (columns PenguinsColumns), is a
// made-up population in the shape of the Palmer penguins: with s the
// species (Adelie, Chinstrap, Gentoo with probabilities 0.44, 0.2, 0.36),
// island Biscoe, Dream or Torgersen for Adelie (equally likely), Dream for
// Chinstrap and Biscoe for Gentoo, sex female or male (½ each, ±1 below),
// and ε ~ N(0, 1):
//
//	flipper = F_s + 4·sex + 6 ε
//	bill    = B_s + 0.1 (flipper − F_s) + 2.5 ε
//	mass    = M_s + S_s (flipper − F_s) + 180·sex − 700·L + σ_s ε,   L ~ Bernoulli(0.25)
//
// with F = (190, 196, 217) mm, B = (38.8, 48.8, 47.5) mm, M = (3700, 3730,
// 5080) g, S = (32, 22, 45) g/mm and σ = (250, 180, 330) g for the three
// species. So p(mass | species, sex, flipper) is a two-component mixture
// with a species-dependent slope and spread (PenguinsLogDensity), which a
// linear model of one-hot labels cannot express. Then sex is missing with
// probability 0.05, bill 0.04, flipper 0.03 and mass 0.02, independently.
func WriteTable(w io.Writer, name string, n int, rng *rand.Rand) error {
	if name != "penguins" {
		return fmt.Errorf("data: unknown table %q (known: penguins)", name)
	}
	if n < 1 {
		return fmt.Errorf("data: table %s: n must be ≥ 1, got %d", name, n)
	}
	if rng == nil {
		return fmt.Errorf("data: table %s: nil random source", name)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	var buf []byte
	for j, c := range PenguinsColumns {
		if j > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, c...)
	}
	buf = append(buf, '\n')
	num := func(buf []byte, v float64, pMissing float64, digits int) []byte {
		if rng.Float64() < pMissing {
			return append(buf, "NA"...)
		}
		return strconv.AppendFloat(buf, v, 'f', digits, 64)
	}
	for range n {
		u := rng.Float64()
		s := 0
		for s < 2 && u >= penguinP[s] {
			u -= penguinP[s]
			s++
		}
		island := []string{"Biscoe", "Dream", "Biscoe"}[s]
		if s == 0 {
			island = []string{"Biscoe", "Dream", "Torgersen"}[rng.IntN(3)]
		}
		sex := 1.0
		if rng.IntN(2) == 0 {
			sex = -1
		}
		flipper := penguinFlipper[s] + penguinSexFlipper*sex + 6*rng.NormFloat64()
		bill := penguinBill[s] + 0.1*(flipper-penguinFlipper[s]) + 2.5*rng.NormFloat64()
		light := 0.0
		if rng.Float64() < penguinLight {
			light = 1
		}
		mass := penguinMass[s] + penguinSlope[s]*(flipper-penguinFlipper[s]) + penguinSexMass*sex -
			penguinLightMass*light + penguinSD[s]*rng.NormFloat64()
		buf = append(buf, penguinSpecies[s]...)
		buf = append(append(buf, ','), island...)
		buf = append(buf, ',')
		switch {
		case rng.Float64() < 0.05:
			buf = append(buf, "NA"...)
		case sex > 0:
			buf = append(buf, "male"...)
		default:
			buf = append(buf, "female"...)
		}
		buf = num(append(buf, ','), bill, 0.04, 1)
		buf = num(append(buf, ','), flipper, 0.03, 1)
		buf = num(append(buf, ','), mass, 0.02, 0)
		buf = append(buf, '\n')
		if len(buf) >= 60<<10 {
			if _, err := bw.Write(buf); err != nil {
				return fmt.Errorf("data: write csv: %w", err)
			}
			buf = buf[:0]
		}
	}
	if _, err := bw.Write(buf); err != nil {
		return fmt.Errorf("data: write csv: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("data: write csv: %w", err)
	}
	return nil
}

// PenguinsLogDensity returns log p(mass | species, sex, flipper) of the
// "penguins" table (see WriteTable), in nats for mass in grams, and false
// for an unknown species or sex. Flipper lengths and masses are written
// rounded (0.1 mm, 1 g), which changes the density by far less than the
// differences between models it is used to judge.
func PenguinsLogDensity(species, sex string, flipper, mass float64) (float64, bool) {
	s := -1
	for i, n := range penguinSpecies {
		if n == species {
			s = i
		}
	}
	var sx float64
	switch sex {
	case "male":
		sx = 1
	case "female":
		sx = -1
	default:
		return 0, false
	}
	if s < 0 {
		return 0, false
	}
	m := penguinMass[s] + penguinSlope[s]*(flipper-penguinFlipper[s]) + penguinSexMass*sx
	sd := penguinSD[s]
	logN := func(mu float64) float64 {
		z := (mass - mu) / sd
		return -0.5*z*z - math.Log(sd) - 0.5*math.Log(2*math.Pi)
	}
	a := math.Log(1-penguinLight) + logN(m)
	b := math.Log(penguinLight) + logN(m-penguinLightMass)
	hi := math.Max(a, b)
	return hi + math.Log(math.Exp(a-hi)+math.Exp(b-hi)), true
}
