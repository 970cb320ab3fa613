"""The six actors as Mesa agents and the policies that decide for them (the utility rule, a script, a person)."""
