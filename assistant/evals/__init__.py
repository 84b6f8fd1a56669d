"""Evaluation: gold data (gold/, shipped in the wheel), grading rules, the question and
summary evals as typed per-item results and metrics, the runner behind `assistant eval`,
and the side-by-side comparison of runs."""
