"""Forms to create and edit risks, controls, treatments and evidence."""
