pipeline "java-ci" {
  pipelinekit = 1
  name = "Java CI"
  description = "Build, test and deliver a Maven service"
  parameter "target" {
    type = "choice"
    options = ["staging", "production"]
    default = "staging"
  }
  trigger "push" {
    branches = ["main", "release/*"]
  }
  trigger "schedule" {
    cron = "0 3 * * *"
  }
  trigger "manual" {}
  env = {
    MAVEN_OPTS = "-Xmx1g"
  }
  defaults {
    timeout = "30m"
    retry {
      limit = 1
    }
  }
  concurrency {
    group = "java-ci-$${{ branch }}"
    cancelInProgress = true
  }
  stage "checkout" {
    type = "git-clone"
    with = {
      repository = "https://example.org/app.git"
      branch = "main"
      depth = 1
    }
  }
  stage "build" {
    needs = ["checkout"]
    type = "maven-build"
    with = {
      goals = "package"
    }
    cache {
      key = "maven-$${{ hashFiles('**/pom.xml') }}"
      restoreKeys = ["maven-"]
      paths = ["~/.m2/repository"]
    }
    artifacts {
      paths = ["target/*.jar"]
      retention = "30d"
    }
  }
  stage "test" {
    needs = ["build"]
    type = "unit-tests"
    with = {
      command = "mvn -B verify"
      coverage_threshold = 80
    }
    matrix {
      axes = {
        jdk = ["17", "21"]
      }
    }
    retry {
      limit = 2
      on = ["exit-code"]
      backoff {
        initial = "1s"
        factor = 2
        max = "30s"
      }
    }
    timeout = "20m"
    resources {
      cpu = 2
      memory = "4Gi"
    }
  }
  stage "deploy" {
    needs = ["test"]
    when = "branch == 'main' && success()"
    env = {
      TARGET = "$${{ params.target }}"
    }
    cache {
      key = "deploy-tools"
      paths = [".tools"]
      scope = "project"
    }
    environment {
      name = "production"
      url = "https://app.example.org"
      variables = {
        REGION = "eu-west-1"
      }
      protection {
        branches = ["main"]
      }
    }
    approval {
      approvers = ["team-leads"]
      timeout = "1d"
    }
    step {
      name = "deploy"
      run = "./deploy.sh $${{ stages.build.outputs.version }}"
      env = {
        DRY_RUN = "false"
      }
    }
    step {
      run = "echo done"
    }
  }
}
