#!/usr/bin/env bash
# Issue 13's goal, with the AWS CLI against the local Step Functions endpoint: create, publish, alias,
# start on the alias, update, start again (the old execution keeps the old definition), redrive and tag.
# Usage: tests/stepfunctions/aws-cli/sequence.sh http://127.0.0.1:<port>
# (start an endpoint with: npx tsx tests/stepfunctions/aws-cli/endpoint.ts)
set -euo pipefail
endpoint=${1:?endpoint URL}
here=$(cd "$(dirname "$0")" && pwd)
export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_DEFAULT_REGION=eu-west-1 AWS_PAGER=
sfn() { echo "\$ aws stepfunctions $*" >&2; aws --endpoint-url "$endpoint" stepfunctions "$@"; }
role=arn:aws:iam::000000000000:role/loket-workflows

machine=$(sfn create-state-machine --name cli-sequence --role-arn "$role" --definition "file://$here/v1.asl.json" \
  --publish --version-description first --tags key=team,value=intake --query stateMachineArn --output text)
sfn publish-state-machine-version --state-machine-arn "$machine" --description first
alias=$(sfn create-state-machine-alias --name live \
  --routing-configuration "stateMachineVersionArn=$machine:1,weight=100" --query stateMachineAliasArn --output text)
old=$(sfn start-execution --state-machine-arn "$alias" --name before-update --query executionArn --output text)
sfn update-state-machine --state-machine-arn "$machine" --definition "file://$here/v2.asl.json" --publish --version-description second
sfn update-state-machine-alias --state-machine-alias-arn "$alias" --routing-configuration "stateMachineVersionArn=$machine:2,weight=100"
new=$(sfn start-execution --state-machine-arn "$alias" --name after-update --query executionArn --output text)
sleep 1
sfn describe-execution --execution-arn "$new" --query '{status:status,output:output,version:stateMachineVersionArn}'
sleep 3
sfn describe-execution --execution-arn "$old" --query '{status:status,error:error,version:stateMachineVersionArn,redriveStatus:redriveStatus}'
sfn redrive-execution --execution-arn "$old" --query 'keys(@)'
sleep 4
sfn describe-execution --execution-arn "$old" --query '{status:status,output:output,redriveCount:redriveCount,version:stateMachineVersionArn}'
ran=$(sfn describe-state-machine-for-execution --execution-arn "$old" --query 'definition' --output text)
echo "${ran:0:90}"
sfn list-state-machine-versions --state-machine-arn "$machine" --query 'stateMachineVersions[].stateMachineVersionArn'
sfn tag-resource --resource-arn "$machine" --tags key=owner,value=designers
sfn untag-resource --resource-arn "$machine" --tag-keys team
sfn list-tags-for-resource --resource-arn "$machine"
