"""The 摸底名单 (roster) import: reading an .xlsx or .csv into plain rows (`reader`), checking
every row (`importer.check`), keeping the checked file sealed with its batch (`staged`), and
adding all new people at once or nothing (`importer.confirm`, `insert`); the supervisor's
screens upload, open and list batches through `batches`."""
