/** What a function may touch and how much it may use; CDK grants exactly this, and the local host mirrors it. */
export interface FunctionAccess {
  /**
   * Access to the table; absent means none. `readWrite` also seals the audit events it writes
   * (GenerateMac with the audit seal's key): every change of a case goes through the case store.
   */
  readonly table?: 'read' | 'readWrite';
  /**
   * Whether a function with table access builds the case store, which takes applicants' pseudonyms
   * (GenerateMac with the pseudonym key) and, where it writes, seals the audit events it writes
   * (GenerateMac with the audit seal key). `false` for a function that touches only a tenant's
   * subscriptions and their deliveries, which name no person: it gets neither key.
   * @default true, with table access
   */
  readonly caseStore?: false;
  /** Verifies the seals of case audit trails (VerifyMac with the audit seal's key): the history route. */
  readonly verifiesAuditTrail?: boolean;
  /** Starts, redrives and describes executions of the transaction types' state machines. */
  readonly startsExecutions?: boolean;
  /** Knows the state machines (their ARNs, to name a case's execution), without acting on them. */
  readonly knowsStateMachines?: boolean;
  /**
   * Reads which version of each state machine new cases start on (the alias's routing) and the type
   * version a version publishes (its description, not its definition): a submission records the
   * version its case is to run on.
   */
  readonly readsCurrentWorkflowVersions?: boolean;
  /** Describes executions of the state machines (where a case's workflow stands). */
  readonly readsExecutions?: boolean;
  /**
   * Reads the state machines' published versions with their definitions, the executions running
   * on a version and an execution's history: where each running case stands (moving cases to
   * another version).
   */
  readonly readsWorkflowHistory?: boolean;
  /** Reports task outcomes back to waiting executions (SendTaskSuccess/Failure). */
  readonly sendsTaskResults?: boolean;
  /** Stops executions of the transaction types' state machines. */
  readonly stopsExecutions?: boolean;
  /**
   * Access to the issued documents' files (the documents bucket); absent means none. `destroy`
   * lists a case's files and deletes them, without reading them (the retention job).
   */
  readonly documents?: 'read' | 'readWrite' | 'destroy';
  /**
   * Sends status changes to the citizen's case overview (DOSIS): knows its endpoints and may read
   * the secret with its client credentials.
   */
  readonly publishesCaseOverview?: boolean;
  /** Reads the deployment's webhook callback policy (which URLs and addresses may be called): creating subscriptions and delivering to them. */
  readonly callbackPolicy?: boolean;
  /** Publishes case events on the event bus (PutEvents): the outbox dispatcher and the reconciler, which delivers what the stream left. */
  readonly publishesEvents?: boolean;
  /**
   * Serves the API's OpenAPI document, which the build writes beside the function's bundle (built
   * from the same code and kept versions as the bundle): a file of its own, not a service.
   */
  readonly servesOpenApiDocument?: boolean;
  /** @default 256 */
  readonly memorySize?: number;
  /** @default 10 */
  readonly timeoutSeconds?: number;
}
