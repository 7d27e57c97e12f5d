"""Writes a playbook of about SIZE_MB megabytes: one phase after another, each with one step whose
command reads the previous step's output, so ordering and placeholder checks see every phase."""
import sys

path, size_mb = sys.argv[1], float(sys.argv[2])
target = int(size_mb * 1024 * 1024)
written = 0
phases = 0
with open(path, "w") as out:
    head = 'name: bench-validate\nvars:\n  version: "1.0"\nphases:\n'
    out.write(head)
    written += len(head)
    while written < target:
        p = phases
        ref = "{{ steps.p%d.s.out }}" % (p - 1) if p else "{{ vars.version }}"
        text = (
            f"  - id: p{p}\n    name: phase {p} of the generated playbook\n    steps:\n"
            f"      - id: s\n        run: echo out={ref} >> \"$BELAY_OUTPUT\"  # padding so a phase is about as long as a real one\n"
            f"        compensate: echo undo {{{{ vars.version }}}} of phase {p}, with some more words as real commands have\n"
            f"        timeout: 5m\n        retry: {{ attempts: 2, delay: 1s }}\n"
        )
        out.write(text)
        written += len(text)
        phases += 1
print(phases)
