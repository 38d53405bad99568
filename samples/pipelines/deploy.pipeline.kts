// Deliver a released container image: staging first, smoke-test it, then production once a
// team lead approves. Environments carry their URL and variables; production may only be
// deployed from main, and one deployment runs at a time.
//
// Needs a cluster: kubectl with a context that reaches a Kubernetes cluster holding the staging
// and production namespaces, a deployed service to smoke-test, and a Slack webhook. It is the one
// sample that does not run offline (SamplesOfflineIT skips it and says so); try it with
//   scripts/run.sh run samples/pipelines/deploy.pipeline.kts --branch main -p version=1.8.2 \
//       --secrets-file slack.env --approve production      # slack.env: SLACK_WEBHOOK=https://hooks.slack.com/...
// or see what it would do without one: scripts/run.sh run samples/pipelines/deploy.pipeline.kts --dry-run --branch main -p version=1.8.2

pipeline("deploy") {
    name = "Deploy orders service"
    parameter("version") {
        description = "Image tag to deploy, e.g. 1.8.2"
        required = true
    }
    parameter("region") {
        choice("eu-west-1", "us-east-1")
        default = "eu-west-1"
    }
    trigger {
        upstream("maven-ci")
        manual()
    }
    concurrency("deploy-production", queueLimit = 5)
    timeout = 2.hours

    stage("staging") {
        environment("staging") {
            url = "https://staging.orders.example.org"
            variable("REGION", "\${{ params.region }}")
        }
        deployContainer {
            image = "registry.example.org/acme/orders:\${{ params.version }}"
            name = "orders"
            namespace = "staging"
            replicas = 2
        }
    }
    stage("smoke-test") {
        needs("staging")
        e2eTests {
            command = "npx playwright test --grep @smoke"
            baseUrl = "https://staging.orders.example.org"
        }
        retry { limit = 2; backoff(10.seconds, 2.0, 1.minutes) }
    }
    stage("production") {
        needs("smoke-test")
        condition = "branch == 'main' && success()"
        approval {
            approvers("team-leads", "sre")
            required = 1
            timeout = 24.hours
        }
        environment("production") {
            url = "https://orders.example.org"
            variable("REGION", "\${{ params.region }}")
            protectBranches("main")
        }
        deployContainer {
            image = "registry.example.org/acme/orders:\${{ params.version }}"
            name = "orders"
            namespace = "production"
            replicas = 6
        }
        timeout = 30.minutes
    }
    stage("announce") {
        needs("production")
        condition = "always()"
        slack {
            webhookUrl = "\${{ secrets.SLACK_WEBHOOK }}"
            channel = "#deployments"
            message = "orders \${{ params.version }} to production: \${{ stages.production.result }}"
        }
    }
}
