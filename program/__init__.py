"""The program: the stack's typed config, the specs resolved from it, and the wiring of components."""
