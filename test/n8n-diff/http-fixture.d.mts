export declare const HTTP_FIXTURE_PORT: number;
export declare function startHttpFixture(port?: number): Promise<{ close(): Promise<void> }>;
