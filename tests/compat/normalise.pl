#!/usr/bin/perl
# Normalises one output of a side of the differential test (see README):
# IDs to <id1>, <id2>... by order of appearance, keyed by their first 12
# hex digits; times, durations, sizes, host name, roots, scratch directory,
# table column padding. Environment: ROOT, RUND, TMPD, HOST.
use strict;
use warnings;
my %ids;
my $n = 0;
sub id_of { my $k = substr($_[0], 0, 12); $ids{$k} //= ++$n; return "<id$ids{$k}>"; }
while (my $l = <>) {
  $l =~ s/\Q$ENV{TMPD}\E/<tmp>/g;
  $l =~ s/\Q$ENV{ROOT}\E/<root>/g;
  $l =~ s/\Q$ENV{RUND}\E/<runroot>/g;
  $l =~ s{(?:/var)?/run/docker\b}{<runroot>}g;
  $l =~ s{\b(?:sha256:)?([0-9a-f]{64}|[0-9a-f]{12})\b}{id_of($1)}ge;
  $l =~ s{\b\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?(?: [+-]\d{4})?(?: [A-Z]{2,5})?}{<time>}g;
  $l =~ s{\b(?:About an? |Less than a )?(?:\d+ )?(?:second|minute|hour|day|week|month|year)s?(?: ago)?\b}{<dur>}g;
  $l =~ s{\b\d+(?:\.\d+)?\s?(?:B|kB|KB|MB|GB|TB|KiB|MiB|GiB)\b}{<size>}g;
  $l =~ s/\Q$ENV{HOST}\E/<host>/g if length $ENV{HOST};
  $l =~ s/ {2,}/  /g;
  $l =~ s/ +$//;
  print $l;
}
