// Run after a restore: the setup's state is there, its top level does not run again.
tinyrt.print(greet("script"));
tinyrt.print(tinyrt.add(40, 2));
tinyrt.print({ total: total });
