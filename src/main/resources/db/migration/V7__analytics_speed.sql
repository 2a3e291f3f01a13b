-- Tables that make the analytics of long ranges cheap (docs/MONITORING.md, "Volume check").

-- Per-minute totals of every call (all APIs, applications and statuses): a per-minute series
-- without a filter reads one row per minute instead of one per API x application x status.
-- Same columns and meaning as transaction_rollups; every node adds into the same rows.
CREATE TABLE transaction_rollups_total (
  epoch_minute        BIGINT NOT NULL,
  requests            BIGINT NOT NULL,
  errors              BIGINT NOT NULL,
  bytes_in            BIGINT NOT NULL,
  bytes_out           BIGINT NOT NULL,
  latency_sum_us      BIGINT NOT NULL,
  latency_max_us      BIGINT NOT NULL,
  h00                 BIGINT NOT NULL,
  h01                 BIGINT NOT NULL,
  h02                 BIGINT NOT NULL,
  h03                 BIGINT NOT NULL,
  h04                 BIGINT NOT NULL,
  h05                 BIGINT NOT NULL,
  h06                 BIGINT NOT NULL,
  h07                 BIGINT NOT NULL,
  h08                 BIGINT NOT NULL,
  h09                 BIGINT NOT NULL,
  h10                 BIGINT NOT NULL,
  h11                 BIGINT NOT NULL,
  h12                 BIGINT NOT NULL,
  h13                 BIGINT NOT NULL,
  h14                 BIGINT NOT NULL,
  h15                 BIGINT NOT NULL,
  h16                 BIGINT NOT NULL,
  h17                 BIGINT NOT NULL,
  h18                 BIGINT NOT NULL,
  h19                 BIGINT NOT NULL,
  h20                 BIGINT NOT NULL,
  h21                 BIGINT NOT NULL,
  h22                 BIGINT NOT NULL,
  h23                 BIGINT NOT NULL,
  h24                 BIGINT NOT NULL,
  h25                 BIGINT NOT NULL,
  h26                 BIGINT NOT NULL,
  h27                 BIGINT NOT NULL,
  h28                 BIGINT NOT NULL,
  h29                 BIGINT NOT NULL,
  h30                 BIGINT NOT NULL,
  h31                 BIGINT NOT NULL,
  h32                 BIGINT NOT NULL,
  h33                 BIGINT NOT NULL,
  h34                 BIGINT NOT NULL,
  h35                 BIGINT NOT NULL,
  h36                 BIGINT NOT NULL,
  h37                 BIGINT NOT NULL,
  h38                 BIGINT NOT NULL,
  h39                 BIGINT NOT NULL,
  h40                 BIGINT NOT NULL,
  h41                 BIGINT NOT NULL,
  CONSTRAINT pk_transaction_rollups_total PRIMARY KEY (epoch_minute)
);

INSERT INTO transaction_rollups_total (epoch_minute, requests, errors, bytes_in, bytes_out,
    latency_sum_us, latency_max_us, h00, h01, h02, h03, h04, h05, h06, h07, h08, h09, h10, h11, h12, h13, h14, h15, h16, h17, h18, h19, h20, h21, h22, h23, h24, h25, h26, h27, h28, h29, h30, h31, h32, h33, h34, h35, h36, h37, h38, h39, h40, h41)
  SELECT epoch_minute, SUM(requests), SUM(errors), SUM(bytes_in), SUM(bytes_out),
    SUM(latency_sum_us), MAX(latency_max_us),
SUM(h00),
SUM(h01),
SUM(h02),
SUM(h03),
SUM(h04),
SUM(h05),
SUM(h06),
SUM(h07),
SUM(h08),
SUM(h09),
SUM(h10),
SUM(h11),
SUM(h12),
SUM(h13),
SUM(h14),
SUM(h15),
SUM(h16),
SUM(h17),
SUM(h18),
SUM(h19),
SUM(h20),
SUM(h21),
SUM(h22),
SUM(h23),
SUM(h24),
SUM(h25),
SUM(h26),
SUM(h27),
SUM(h28),
SUM(h29),
SUM(h30),
SUM(h31),
SUM(h32),
SUM(h33),
SUM(h34),
SUM(h35),
SUM(h36),
SUM(h37),
SUM(h38),
SUM(h39),
SUM(h40),
SUM(h41)
  FROM transaction_rollups GROUP BY epoch_minute;

-- A per-minute series of one API or one application reads that API's or application's rows of the
-- range, not every row of the range (the primary key starts with the minute).
CREATE INDEX ix_transaction_rollups_api ON transaction_rollups (api, epoch_minute);
CREATE INDEX ix_transaction_rollups_application ON transaction_rollups (application, epoch_minute);

-- Refused calls per minute, API ('' for none), application ('' for none) and reason (the record's
-- reason; a batch that brings more distinct reasons in one minute than the writer keeps counts the
-- rest under 'other'), and the same per hour: the top reasons of a day read these, not the records.
CREATE TABLE transaction_reasons (
  epoch_minute        BIGINT NOT NULL,
  api                 VARCHAR(512) NOT NULL,
  application         VARCHAR(255) NOT NULL,
  reason              VARCHAR(255) NOT NULL,
  requests            BIGINT NOT NULL,
  errors              BIGINT NOT NULL,
  CONSTRAINT pk_transaction_reasons PRIMARY KEY (epoch_minute, api, application, reason)
);

CREATE TABLE transaction_reasons_hourly (
  epoch_hour          BIGINT NOT NULL,
  api                 VARCHAR(512) NOT NULL,
  application         VARCHAR(255) NOT NULL,
  reason              VARCHAR(255) NOT NULL,
  requests            BIGINT NOT NULL,
  errors              BIGINT NOT NULL,
  CONSTRAINT pk_transaction_reasons_hourly PRIMARY KEY (epoch_hour, api, application, reason)
);

INSERT INTO transaction_reasons (epoch_minute, api, application, reason, requests, errors)
  SELECT m, api, application, reason, COUNT(*), SUM(e) FROM (
    SELECT CAST(FLOOR(EXTRACT(EPOCH FROM time) / 60) AS BIGINT) AS m, COALESCE(api, '') AS api,
      COALESCE(application, '') AS application, reason,
      CASE WHEN status >= 400 THEN 1 ELSE 0 END AS e
    FROM transactions WHERE reason IS NOT NULL) r
  GROUP BY m, api, application, reason;

INSERT INTO transaction_reasons_hourly (epoch_hour, api, application, reason, requests, errors)
  SELECT FLOOR(epoch_minute / 60), api, application, reason, SUM(requests), SUM(errors)
  FROM transaction_reasons GROUP BY FLOOR(epoch_minute / 60), api, application, reason;
