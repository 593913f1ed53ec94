package main

import "github.com/spf13/cobra"

func extraCommands(io streams) []*cobra.Command { return nil }
