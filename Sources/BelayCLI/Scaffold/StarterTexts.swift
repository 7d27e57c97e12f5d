/// The texts of the starter templates (`StarterTemplate`).
enum StarterTexts {
    static let modeline = "# yaml-language-server: $schema=playbook.schema.json\n"

    static let belayignore = """
        # Files Belay's rollback points leave out (gitignore syntax).
        *.log
        tmp/
        playbook.schema.json

        """

    static let deploy = modeline + """
        name: deploy
        description: Build a release, switch to it, and switch back if anything fails.
        vars:
          version: { value: 0.1.0, show: true }
          target: { show: true }          # set by each environment
        environments:
          staging:
            vars: { target: staging }
          production:
            vars: { target: production }
            lock: production
        phases:
          - id: build
            steps:
              - id: package
                run: mkdir -p releases && echo {{ vars.version }} > releases/{{ vars.version }}
                compensate: rm -f releases/{{ vars.version }}
          - id: release
            steps:
              - id: approve
                approval: { message: "Switch {{ vars.target }} to {{ vars.version }}?", timeout: 1h }
              - id: switch
                run: echo {{ vars.version }} > current-{{ vars.target }}
                verify: test -s current-{{ vars.target }}
                compensate: rm -f current-{{ vars.target }}

        """

    static let migration = modeline + """
        name: migration
        description: Back up the data, apply a migration, check it; restore the backup if anything fails.
        vars:
          migration: { value: "001", show: true }
          database: data.txt
        environments:
          staging:
            vars: { database: staging-data.txt }
          production:
            vars: { database: production-data.txt }
            lock: production
        phases:
          - id: backup
            steps:
              - id: copy
                run: touch {{ vars.database }} && cp {{ vars.database }} {{ vars.database }}.bak
                compensate: rm -f {{ vars.database }}.bak
          - id: migrate
            steps:
              - id: apply
                run: echo "migration {{ vars.migration }}" >> {{ vars.database }}
                verify: grep -q "migration {{ vars.migration }}" {{ vars.database }}
                compensate: cp {{ vars.database }}.bak {{ vars.database }}

        """

    static let gate = modeline + """
        name: gate
        description: Produce evidence, let the go/no-go gate decide, publish only on PROCEED.
        vars:
          version: { value: 0.1.0, show: true }
        phases:
          - id: test
            steps:
              - id: report
                run: |
                  mkdir -p reports
                  echo '<testsuite name="starter" tests="1" failures="0"><testcase name="ok"/></testsuite>' > reports/junit.xml
                compensate: rm -f reports/junit.xml
          - id: decide
            steps:
              - id: gate
                gate: { policy: release-gate.yml, on_conditional: block }
          - id: publish
            steps:
              - id: release
                run: echo {{ vars.version }} > published
                compensate: rm -f published

        """

    static let gatePolicy = """
        # yaml-language-server: $schema=policy.schema.json
        gate: release
        description: The tests are green.
        inputs:
          tests: { junit: reports/junit.xml }
        criteria:
          - { id: tests-pass, source: tests, metric: failed, max: 0, key: true }
        decision: { proceed_max_warnings: 0, conditional_max_warnings: 2 }

        """
}
