package plot

import (
	"image/color"
	"testing"
)

func TestViridis(t *testing.T) {
	// Anchors: matplotlib's 256-entry viridis table at entries 0, 64, 128,
	// 191 and 255 (the five-colour viridis #440154 #3b528b #21918c #5ec962
	// #fde725). The polynomial fit must stay within 6/255 of them.
	tests := []struct {
		t    float64
		want color.RGBA
	}{
		{0, color.RGBA{0x44, 0x01, 0x54, 255}},
		{64.0 / 255, color.RGBA{0x3b, 0x52, 0x8b, 255}},
		{128.0 / 255, color.RGBA{0x21, 0x91, 0x8c, 255}},
		{191.0 / 255, color.RGBA{0x5e, 0xc9, 0x62, 255}},
		{1, color.RGBA{0xfd, 0xe7, 0x25, 255}},
		{-3, color.RGBA{0x44, 0x01, 0x54, 255}}, // clamped to 0
		{7, color.RGBA{0xfd, 0xe7, 0x25, 255}},  // clamped to 1
	}
	for _, tt := range tests {
		if got := Viridis(tt.t); !near(got, tt.want, 6) {
			t.Errorf("Viridis(%v): got %v, want %v (±6)", tt.t, got, tt.want)
		}
	}
}

func TestViridisMonotoneLuminance(t *testing.T) {
	// Viridis is perceptually uniform with increasing lightness; the
	// Rec. 601 luma of the fit must increase along the map.
	luma := func(c color.RGBA) float64 { return 0.299*float64(c.R) + 0.587*float64(c.G) + 0.114*float64(c.B) }
	prev := luma(Viridis(0))
	for i := 1; i <= 100; i++ {
		l := luma(Viridis(float64(i) / 100))
		if l < prev-0.5 {
			t.Fatalf("luma at t=%v: got %v, want >= %v", float64(i)/100, l, prev)
		}
		prev = l
	}
}
