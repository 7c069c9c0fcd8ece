-- The language a person chose on the sign-in page (issue 14.6): the person is not known before
-- signing in, so the page offers Cymraeg / English and the link's e-mail and page follow the
-- choice. 'cy': Welsh first, then English. NULL: English only (every link before this column).
ALTER TABLE sign_in_links
  ADD COLUMN language text CHECK (language IN ('cy', 'en'));
