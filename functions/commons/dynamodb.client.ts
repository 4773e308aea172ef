import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { traced } from './powertools';

/*
 * SDK clients are created once per execution environment, each in its own module so that a
 * function loads only the clients it uses. Endpoints come from the standard
 * AWS_ENDPOINT_URL_<SERVICE> variables, which only the local host sets.
 */
export const dynamodb = traced(new DynamoDBClient({}));
export const documentClient = DynamoDBDocumentClient.from(dynamodb, {
  marshallOptions: { removeUndefinedValues: true },
});
